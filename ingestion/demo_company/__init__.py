"""The demo company: a deterministic B2B SaaS sales org written as Salesforce-shaped exports."""
