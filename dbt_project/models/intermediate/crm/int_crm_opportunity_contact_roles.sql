-- Every enabled CRM's opportunity contact roles, in the canonical shape of _int_crm__models.yml.
{{ union_crm_systems('int_crm_opportunity_contact_roles') }}
