-- Zoho campaign members of live campaigns. A member responded when its Member_Status is one of var
-- zoho_responded_member_statuses; Zoho keeps no response date, so a response is dated by the
-- campaign's start date (its created day when it has none).
{%- set responded = "members.member_status in ('" ~ var('zoho_responded_member_statuses') | join("', '") ~ "')" %}

with

members as (
    select * from {{ ref('stg_zoho__campaign_members') }}
),

campaigns as (
    select * from {{ ref('stg_zoho__campaigns') }}
    where not is_deleted
),

campaign_members as (
    select
        members.campaign_member_id,
        members.campaign_id,
        case when members.member_module = 'Leads' then members.member_id end as lead_id,
        case when members.member_module = 'Contacts' then members.member_id end as contact_id,
        members.member_status,
        coalesce({{ responded }}, false) as has_responded,
        case
            when {{ responded }}
                then coalesce(campaigns.start_date, cast(campaigns.created_at as date))
        end as first_responded_on,
        cast(null as timestamp) as created_at
    from members
    inner join campaigns on members.campaign_id = campaigns.campaign_id
)

select * from campaign_members
