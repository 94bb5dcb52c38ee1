-- Every enabled CRM's activities, in the canonical shape of _int_crm__models.yml.
{{ union_crm_systems('int_crm_activities') }}
