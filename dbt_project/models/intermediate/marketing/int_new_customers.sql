-- Each new customer: an account whose first won deal is new business (an account whose first won
-- deal in the data is a renewal or an expansion was a customer before the data starts), with the
-- month that deal closed, its team's region and segment ('Unassigned' for a deal with no team),
-- and its first-year value in the reporting currency: the part of its contract value that falls
-- in the first twelve months (contract length 12 months where the CRM has none).
with

opportunities as (
    select * from {{ ref('fct_opportunities') }}
),

teams as (
    select * from {{ ref('dim_teams') }}
),

ranked_wins as (
    select
        account_id,
        opportunity_id,
        opportunity_type,
        team_id,
        close_date,
        amount_reporting,
        coalesce(term_months, 12) as term_months,
        row_number() over (partition by account_id order by close_date, opportunity_id) as win_number
    from opportunities
    where is_won
),

final as (
    select
        ranked_wins.account_id,
        ranked_wins.opportunity_id as first_opportunity_id,
        ranked_wins.close_date as first_won_date,
        cast({{ dbt.date_trunc('month', 'ranked_wins.close_date') }} as date) as first_won_month,
        coalesce(teams.region, 'Unassigned') as region,
        coalesce(teams.segment, 'Unassigned') as segment,
        cast({{ divide(
            'ranked_wins.amount_reporting * case when ranked_wins.term_months < 12 then ranked_wins.term_months else 12 end',
            'ranked_wins.term_months', 2) }} as decimal(18, 2)) as first_year_value_reporting
    from ranked_wins
    left join teams on ranked_wins.team_id = teams.team_id
    where ranked_wins.win_number = 1 and ranked_wins.opportunity_type = 'New Business'
)

select * from final
