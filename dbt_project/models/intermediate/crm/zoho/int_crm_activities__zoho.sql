-- Zoho's Calls, Meetings and Tasks modules are not loaded yet (README: sources): none here.
{{ empty_crm_entity('activities') }}
