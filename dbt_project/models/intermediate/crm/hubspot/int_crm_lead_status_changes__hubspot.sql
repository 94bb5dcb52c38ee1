-- Not loaded from HubSpot yet (README: sources): none here.
{{ empty_crm_entity('lead_status_changes') }}
