-- Each Zoho user's manager over time, from the user's versions.
{{ manager_history_from_versions(ref('stg_zoho__user_versions')) }}
