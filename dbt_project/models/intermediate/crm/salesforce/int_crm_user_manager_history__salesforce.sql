-- Each Salesforce user's manager over time, from the user's versions.
{{ manager_history_from_versions(ref('stg_salesforce__user_versions')) }}
