-- Each campaign's members (a lead or a contact) with their Member_Status; the rows that only say a
-- campaign has none are left out.
with

source as (
    select * from {{ source('zoho', 'campaign_members') }}
),

renamed as (
    select
        campaign_id || ':' || member_id as campaign_member_id,
        campaign_id,
        member_module,
        member_id,
        member_status
    from source
    where member_id is not null
)

select * from renamed
