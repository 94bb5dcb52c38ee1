-- Zoho deals, current version, with deal types mapped to the labels the marts use (var
-- zoho_deal_types); deleted ones stay, flagged. Contact_Name (the primary contact) is null until
-- a warehouse loaded before it was asked for loads a changed deal (dlt then adds the column).
{%- set raw_columns = adapter.get_columns_in_relation(source('zoho', 'deals')) | map(attribute='name') | map('lower') | list if execute else [] %}

with

source as (
    {{ newest_versions(source('zoho', 'deals'), 'id', 'modified_time') }}
),

deleted as (
    select record_id from {{ ref('stg_zoho__deleted_records') }}
    where module_name = 'Deals'
),

renamed as (
    select
        source.id as deal_id,
        source.account_name_id as account_id,
        {{ 'source.contact_name_id' if 'contact_name_id' in raw_columns or not execute else 'cast(null as ' ~ dbt.type_string() ~ ')' }} as primary_contact_id,
        source.deal_name,
        {{ mapped_label('source.type', 'zoho_deal_types') }} as deal_type,
        source.stage as stage_name,
        source.amount,
        coalesce(source.currency, '{{ var("zoho_default_currency") }}') as currency_code,
        source.closing_date as close_date,
        cast(source.probability as decimal(5, 2)) as probability_pct,
        source.term_months,
        source.owner_id,
        deleted.record_id is not null as is_deleted,
        source.created_time as created_at,
        source.modified_time as modified_at
        {{ pass_through_columns('opportunities', 'zoho', source('zoho', 'deals'), 'source.') }}  -- noqa: LT02
    from source
    left join deleted on source.id = deleted.record_id
)

select * from renamed
