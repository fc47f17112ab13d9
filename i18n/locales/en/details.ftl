# The thematic plan and a lesson's details: "no homework", the kind of work, a mark's weight
# and comment, the school's weights per kind of work.

import-warning-plan_hours = { $class_name }, { $subject }: the plan has { $planned } h, the timetable of { $year } gives { $timetable } h.

details-no_homework_but_set = The lesson already has homework for the class. Replace it before marking "no homework".
details-bad_work_kind = Unknown kind of work.

details-card-work_kind = 📋 Kind of work: { $kind }
details-card-no_homework = 🏠 Homework: none set.
details-btn-work_kind = 📋 Kind of work
details-btn-no_homework = 🚫 No homework
details-btn-homework_back = ↩️ Undo "no homework"
details-btn-none = — not given
details-pick_kind = Choose the lesson's kind of work (new marks get it by default):
details-kind_saved = ✅ Kind of work: { $kind }.
details-kind_cleared = ✅ Kind of work cleared.
details-no_homework_saved = ✅ Marked: no homework set.
details-no_homework_cleared = ✅ "No homework" taken back.
details-homework_now_none = Marked now: no homework.

details-btn-weight = ⚖️ Weight ({ $weight })
details-btn-comment = 💬 Comment
details-pick_weight = <b>{ $student }</b>: mark { $value } ({ $kind }), weight { $weight }. Choose the weight:
details-comment_prompt = <b>{ $student }</b>: mark { $value }. Send the comment on the mark in one message (the diary shows it); "-" removes the comment.
details-comment_now = Comment: { $comment }
details-weight_saved = ✅ { $student }: the mark { $value } weighs { $weight }.
details-comment_saved = ✅ { $student }: the comment on the mark { $value } is saved.
details-comment_cleared = ✅ { $student }: the comment on the mark { $value } is removed.

details-weights-title = ⚖️ Weights of marks by kind of work (for new marks; a teacher may choose another):
details-weights-line = { $kind } — { $weight }
details-weights-pick = Kind of work "{ $kind }": weight { $weight } now. Choose the new one:
details-weights-saved = ✅ "{ $kind }": weight { $weight }.
details-weights-btn = ⚖️ Weights of marks
