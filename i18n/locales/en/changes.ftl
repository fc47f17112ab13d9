# The change log in plain words (the office's audit of a student and of a lesson): whose,
# which lesson, before → after and why; the reason asked for a late attendance correction.

changes-about = {" "}({ $what })
changes-inline = { $head }: { $field }: { $before } → { $after }
changes-inline_same = { $head }: { $before } → { $after }
changes-reason_inline = , reason: { $reason }

office-action-subgroup-join = added to a subgroup
office-action-subgroup-leave = removed from a subgroup
office-action-subgroup-move = moved to another subgroup
office-action-import-subgroup_join = added to a subgroup (import)
office-action-import-subgroup_move = moved to another subgroup (import)
office-field-group = subgroup
office-field-from = from

changes-attendance_reason = The lesson is over and its attendance was taken: a correction needs a reason.
changes-attendance_reason_prompt = The lesson is over and its attendance was taken. Write the reason for the correction in one message; it goes to the change log.
changes-attendance_reason_cancel = Cancel
