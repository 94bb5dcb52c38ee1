-- Every enabled CRM's user manager history, in the canonical shape of _int_crm__models.yml.
{{ union_crm_systems('int_crm_user_manager_history') }}
