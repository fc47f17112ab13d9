# The thematic plan (КТП) and a lesson's details: "no homework", the kind of work, a mark's
# weight and comment, the school's weights per kind of work.

import-warning-plan_hours = { $class_name }, { $subject }: в плане { $planned } ч, по расписанию на { $year } — { $timetable } ч.

details-no_homework_but_set = У урока уже есть домашнее задание для класса. Чтобы отметить «без ДЗ», сначала замените задание.
details-bad_work_kind = Неизвестный вид работы.

details-card-work_kind = 📋 Вид работы: { $kind }
details-card-no_homework = 🏠 ДЗ: не задаётся.
details-btn-work_kind = 📋 Вид работы
details-btn-no_homework = 🚫 Без ДЗ
details-btn-homework_back = ↩️ Отменить «без ДЗ»
details-btn-none = — не указан
details-pick_kind = Выберите вид работы урока (с ним по умолчанию ставятся отметки):
details-kind_saved = ✅ Вид работы: { $kind }.
details-kind_cleared = ✅ Вид работы не указан.
details-no_homework_saved = ✅ Отмечено: домашнее задание не задаётся.
details-no_homework_cleared = ✅ Отметка «без ДЗ» снята.
details-homework_now_none = Сейчас отмечено: без домашнего задания.

details-btn-weight = ⚖️ Вес ({ $weight })
details-btn-comment = 💬 Комментарий
details-pick_weight = <b>{ $student }</b>: отметка { $value } ({ $kind }), вес { $weight }. Выберите вес:
details-comment_prompt = <b>{ $student }</b>: отметка { $value }. Напишите комментарий к отметке одним сообщением (его увидят в дневнике); «-» — убрать комментарий.
details-comment_now = Комментарий: { $comment }
details-weight_saved = ✅ { $student }: вес отметки { $value } — { $weight }.
details-comment_saved = ✅ { $student }: комментарий к отметке { $value } сохранён.
details-comment_cleared = ✅ { $student }: комментарий к отметке { $value } убран.

details-weights-title = ⚖️ Вес отметок по видам работы (для новых отметок; учитель может выбрать другой):
details-weights-line = { $kind } — { $weight }
details-weights-pick = Вид работы «{ $kind }»: сейчас вес { $weight }. Выберите новый:
details-weights-saved = ✅ «{ $kind }»: вес { $weight }.
details-weights-btn = ⚖️ Вес отметок
