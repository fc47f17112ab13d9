### Ошибки работы канцелярии: учебный год, движение, замены, контрольные, импорт, отчёты.

admin-school_not_found = Школа с кодом «{ $school }» не найдена.

admin-school_required = Укажите школу (--school КОД): их несколько.

admin-no_year = В школе нет учебного года.

admin-year_not_found = Учебный год «{ $year }» не найден.

admin-year_exists = Учебный год «{ $year }» уже есть.

admin-year_dates = Неверные название или даты учебного года.

admin-period_outside_year = Период «{ $period }» выходит за границы учебного года.

admin-year_order = Переводить можно только из более раннего года.

admin-bad_class_name = «{ $name }» — не название класса.

admin-year_closed = Учебный год «{ $year }» уже закрыт.

admin-year_not_closed = Сначала закройте учебный год «{ $year }».

admin-year_archived = Учебный год «{ $year }» в архиве.

admin-not_a_student = Это не обучающийся.

admin-student_not_found = Обучающиеся не найдены: { $ids }.

admin-date_outside_year = Дата { $date } вне учебного года { $year }.

admin-already_enrolled = Обучающийся уже зачислен в класс на эту дату.

admin-not_enrolled = Обучающийся не зачислен ни в один класс.

admin-departure_before_arrival = Дата должна быть позже зачисления ({ $since }).

admin-same_class = Обучающийся уже в этом классе.

admin-not_a_teacher = Замену может вести только учитель.

admin-substitute_is_teacher = Это учитель по расписанию, замена не нужна.

admin-no_substitution = Замены на этот урок нет.

admin-note_required = Напишите замечание.

control_work-exists = Контрольная по этому предмету на { $date } уже назначена.

control_work-too_many = В { $class } на { $date } уже { $count } контрольных (норма — { $limit }): { $subjects }.

report-unknown_kind = Неизвестный отчёт «{ $kind }».

report-unknown_format = Формат отчёта должен быть pdf или xlsx.

report-missing_param = Не указан параметр отчёта «{ $param }».

report-bad_param = Неверное значение параметра «{ $param }»: { $value }.

report-not_found = Не найдено: { $what } «{ $value }».
