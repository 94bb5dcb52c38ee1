-- Every enabled CRM's users, in the canonical shape of _int_crm__models.yml.
{{ union_crm_systems('int_crm_users') }}
