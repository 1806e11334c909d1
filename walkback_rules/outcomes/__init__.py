"""What happens after the programme: the trial's own outcome (days to an activity-limiting
recurrence) for a clinic's patients."""
