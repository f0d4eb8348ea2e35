"""crmcheck: find out whether an organisation's customer-facing processes are ready for CRM."""

__version__ = "0.1.0"
