-- HubSpot has no lead object: a lead is a contact with a lifecycle stage of lead or later, created
-- when it first took one (HubSpot's "Became a ... date" properties). It converted when it became
-- an opportunity, into the deal associated with it that was created within a day of that moment.
-- Its source is HubSpot's original source; its status is its current lifecycle stage.

with

contacts as (
    select * from {{ ref('stg_hubspot__contacts') }}
    where not is_archived
),

deal_contacts as (
    select * from {{ ref('stg_hubspot__deal_contact_associations') }}
),

deals as (
    select * from {{ ref('stg_hubspot__deals') }}
    where not is_archived
),

lead_contacts as (
    select
        *,
        coalesce(became_lead_at, became_mql_at, became_sql_at, became_opportunity_at) as lead_created_at
    from contacts
    where coalesce(became_lead_at, became_mql_at, became_sql_at, became_opportunity_at) is not null
),

-- The deal the conversion created: the contact's earliest deal created within a day of it.
converted_deals as (
    select
        lead_contacts.contact_id,
        deals.deal_id,
        row_number() over (
            partition by lead_contacts.contact_id order by deals.created_at, deals.deal_id
        ) as deal_rank
    from lead_contacts
    inner join deal_contacts on lead_contacts.contact_id = deal_contacts.contact_id
    inner join deals on deal_contacts.deal_id = deals.deal_id
    where
        deals.created_at >= {{ dbt.dateadd('day', -1, 'lead_contacts.became_opportunity_at') }}
        and deals.created_at <= {{ dbt.dateadd('day', 1, 'lead_contacts.became_opportunity_at') }}
),

leads as (
    select
        lead_contacts.contact_id as lead_id,
        lead_contacts.owner_id,
        lead_contacts.original_source as lead_source,
        lead_contacts.lifecycle_stage as lead_status,
        lead_contacts.lead_created_at as created_at,
        lead_contacts.became_opportunity_at is not null as is_converted,
        {{ local_date('lead_contacts.became_opportunity_at') }} as converted_on,
        lead_contacts.company_id as converted_account_id,
        case when lead_contacts.became_opportunity_at is not null then lead_contacts.contact_id end
            as converted_contact_id,
        converted_deals.deal_id as converted_opportunity_id
    from lead_contacts
    left join converted_deals
        on lead_contacts.contact_id = converted_deals.contact_id and converted_deals.deal_rank = 1
)

select * from leads
