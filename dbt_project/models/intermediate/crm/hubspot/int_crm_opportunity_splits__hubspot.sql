-- HubSpot deal splits are not loaded: none here.
{{ empty_opportunity_splits() }}
