"""Early warning: families and class teachers told when a student's absences in the study
period reach the school's thresholds, or a projected period mark falls to «2» or by a whole
mark (rules.py: the pure rules; job.py: the evening's set-based check; reads.py: the class
teacher's list; settings.py: the thresholds)."""
