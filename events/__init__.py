"""Events: DAG and RCP meetings, trainings and hackathons, registration, waitlist and calendars."""
