-- Customer acquisition cost per month and fiscal quarter, for the company and by region and by
-- segment. Commission expense counts where the rep's team is; marketing spend and the other
-- selling and marketing costs are shared, and split between regions (and between segments) in
-- proportion to the new customers each won in the period; in a period without new customers they
-- stay at company level.
with

periods as (
    select * from {{ ref('int_calendar_periods') }}
    where period_grain in ('month', 'quarter')
),

costs as (
    select * from {{ ref('int_acquisition_costs') }}
),

new_customers as (
    select * from {{ ref('int_new_customers') }}
),

{% set levels = {'company': "'All'", 'region': 'region', 'segment': 'segment'} %}

cost_lines as (
    {% for level, value in levels.items() %}
    select
        periods.period_grain,
        periods.period_start,
        periods.period_end,
        '{{ level }}' as breakdown_level,
        {{ value }} as breakdown_value,
        costs.cost_type,
        costs.amount_reporting
    from costs
    inner join periods
        on costs.cost_month between periods.period_start and periods.period_end
    where '{{ level }}' = 'company' or costs.cost_type = 'commissions'
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

customer_lines as (
    {% for level, value in levels.items() %}
    select
        periods.period_grain,
        periods.period_start,
        periods.period_end,
        '{{ level }}' as breakdown_level,
        {{ value }} as breakdown_value,
        new_customers.first_year_value_reporting
    from new_customers
    inner join periods
        on new_customers.first_won_month between periods.period_start and periods.period_end
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

breakdowns as (
    select
        period_grain,
        period_start,
        period_end,
        breakdown_level,
        breakdown_value
    from cost_lines
    union
    select
        period_grain,
        period_start,
        period_end,
        breakdown_level,
        breakdown_value
    from customer_lines
),

direct_costs as (
    select
        period_grain,
        period_start,
        breakdown_level,
        breakdown_value,
        sum(case when cost_type = 'marketing_spend' then amount_reporting else 0 end) as marketing_spend,
        sum(case when cost_type = 'other_sales_marketing' then amount_reporting else 0 end) as other_costs,
        sum(case when cost_type = 'commissions' then amount_reporting else 0 end) as commission_cost
    from cost_lines
    group by period_grain, period_start, breakdown_level, breakdown_value
),

customers as (
    select
        period_grain,
        period_start,
        breakdown_level,
        breakdown_value,
        count(*) as new_customers,
        sum(first_year_value_reporting) as first_year_value
    from customer_lines
    group by period_grain, period_start, breakdown_level, breakdown_value
),

company as (
    select
        direct_costs.period_grain,
        direct_costs.period_start,
        direct_costs.marketing_spend,
        direct_costs.other_costs,
        coalesce(customers.new_customers, 0) as new_customers
    from direct_costs
    left join customers
        on
        direct_costs.period_grain = customers.period_grain
        and direct_costs.period_start = customers.period_start
        and customers.breakdown_level = 'company'
    where direct_costs.breakdown_level = 'company'
),

measured as (
    select
        breakdowns.period_grain,
        breakdowns.period_start,
        breakdowns.period_end,
        breakdowns.breakdown_level,
        breakdowns.breakdown_value,
        cast(coalesce(customers.new_customers, 0) as integer) as new_customers,
        {%- for shared_cost, column in [
            ('marketing_spend', 'marketing_spend_reporting'),
            ('other_costs', 'other_sales_marketing_cost_reporting'),
        ] %}
        cast(
            case
                when breakdowns.breakdown_level = 'company' then company.{{ shared_cost }}
                when company.new_customers > 0
                    then {{ divide('company.' ~ shared_cost ~ ' * coalesce(customers.new_customers, 0)', 'company.new_customers', 2) }}
                else 0
            end as decimal(18, 2)
        ) as {{ column }},
        {%- endfor %}
        cast(coalesce(direct_costs.commission_cost, 0) as decimal(18, 2)) as commission_cost_reporting,
        customers.first_year_value
    from breakdowns
    left join direct_costs
        on
        breakdowns.period_grain = direct_costs.period_grain
        and breakdowns.period_start = direct_costs.period_start
        and breakdowns.breakdown_level = direct_costs.breakdown_level
        and breakdowns.breakdown_value = direct_costs.breakdown_value
    left join customers
        on
        breakdowns.period_grain = customers.period_grain
        and breakdowns.period_start = customers.period_start
        and breakdowns.breakdown_level = customers.breakdown_level
        and breakdowns.breakdown_value = customers.breakdown_value
    left join company
        on
        breakdowns.period_grain = company.period_grain
        and breakdowns.period_start = company.period_start
    where breakdowns.breakdown_value is not null
),

totals as (
    select
        measured.*,
        cast(
            measured.marketing_spend_reporting + measured.other_sales_marketing_cost_reporting + measured.commission_cost_reporting
            as decimal(18, 2)
        ) as total_cost_reporting
    from measured
),

final as (
    select
        {{ dbt.hash("period_grain || '|' || cast(period_start as " ~ dbt.type_string() ~ ") || '|' || breakdown_level || '|' || breakdown_value") }} as acquisition_cost_id,
        period_grain,
        period_start,
        period_end,
        breakdown_level,
        breakdown_value,
        new_customers,
        marketing_spend_reporting,
        other_sales_marketing_cost_reporting,
        commission_cost_reporting,
        total_cost_reporting,
        cast({{ divide('total_cost_reporting', 'new_customers', 2) }} as decimal(18, 2)) as cac_reporting,
        cast({{ divide('first_year_value', 'new_customers', 2) }} as decimal(18, 2)) as avg_first_year_value_reporting,
        cast({{ var('cac_gross_margin_pct') }} as decimal(5, 2)) as gross_margin_pct,
        cast(
            case
                -- CAC / (first-year value per customer x margin / 12) = cost x 1,200 / (value x margin %)
                when new_customers > 0 and first_year_value > 0
                    then {{ divide('total_cost_reporting * 1200', 'first_year_value * ' ~ var('cac_gross_margin_pct'), 1) }}
            end as decimal(18, 1)
        ) as cac_payback_months
    from totals
)

select * from final
