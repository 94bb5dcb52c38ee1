-- Closed-won bookings and invoices tie out per account within the configured tolerance
-- (vars reconciliation_tolerance_amount / _pct). A business exception, not an outage: the
-- differences are listed in fct_bookings_invoice_exceptions and this test warns; it never stops
-- publishing. Rows returned are the exception rows, the largest differences first.
{{ config(severity='warn') }}

select *
from {{ ref('fct_bookings_invoice_exceptions') }}
order by abs(account_difference_amount) desc
