"""School and calendar: school time, working days, periods, the school year's life cycle, the
office's pickers and the audit trail."""
