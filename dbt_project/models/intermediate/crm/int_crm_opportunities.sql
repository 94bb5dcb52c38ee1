-- A table: many models and tests read it, and each would compute a view of it again.
{{ config(materialized='table') }}
-- Every enabled CRM's opportunities, in the canonical shape of _int_crm__models.yml.
{{ union_crm_systems('int_crm_opportunities') }}
