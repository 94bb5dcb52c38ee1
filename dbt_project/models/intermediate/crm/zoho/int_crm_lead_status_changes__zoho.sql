-- Not loaded from Zoho yet (README: sources): none here.
{{ empty_crm_entity('lead_status_changes') }}
