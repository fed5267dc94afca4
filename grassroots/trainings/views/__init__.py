"""Pages of trainings. The programmes part: `programmes`, `sessions`, `people`; the check-in
part: `checkin*`."""
