-- Every enabled CRM's campaigns, in the canonical shape of _int_crm__models.yml.
{{ union_crm_systems('int_crm_campaigns') }}
