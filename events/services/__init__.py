"""State changes of the events app (GUIDE §2 "services"): registrations and the waitlist, attendance, minutes,
materials, reminders. Views, admin actions and tasks call these; they never set a status themselves."""
