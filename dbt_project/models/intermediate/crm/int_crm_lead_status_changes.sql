-- Every enabled CRM's lead status changes, in the canonical shape of _int_crm__models.yml.
{{ union_crm_systems('int_crm_lead_status_changes') }}
