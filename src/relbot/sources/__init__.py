"""Live sources: a CRM or a mailbox that relbot reads on a schedule instead of waiting for an export."""
