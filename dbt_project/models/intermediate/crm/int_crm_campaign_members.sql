-- Every enabled CRM's campaign members, in the canonical shape of _int_crm__models.yml.
{{ union_crm_systems('int_crm_campaign_members') }}
