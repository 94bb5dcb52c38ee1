-- Zoho leads, live ones only. Converted_Date_Time is a moment; its day (in the company's time
-- zone) is the conversion day, as Salesforce's ConvertedDate is.

with

zoho_leads as (
    select * from {{ ref('stg_zoho__leads') }}
    where not is_deleted
),

leads as (
    select
        lead_id,
        owner_id,
        lead_source,
        lead_status,
        created_at,
        is_converted,
        {{ local_date('converted_at') }} as converted_on,
        converted_account_id,
        converted_contact_id,
        converted_deal_id as converted_opportunity_id
    from zoho_leads
)

select * from leads
