-- Zoho CRM has no deal splits: none here.
{{ empty_opportunity_splits() }}
