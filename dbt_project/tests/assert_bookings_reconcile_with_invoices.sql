-- Closed-won bookings and invoices tie out per account within the configured tolerance
-- (vars reconciliation_tolerance_amount / _pct). Rows returned are the accounts that do not.
select *
from {{ ref('int_bookings_invoice_reconciliation') }}
where is_outside_tolerance
