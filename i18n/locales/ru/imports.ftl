### Сообщения импорта (ошибки строк и итоги).

import-unknown_kind = Неизвестный вид импорта «{ $kind }». Доступны: { $kinds }.

import-row_column = Строка { $row }, столбец «{ $column }»: { $message }

import-row_only = Строка { $row }: { $message }

import-file_only = Файл: { $message }

import-summary = { $title }: строк { $rows }; создано { $created }, обновлено { $updated }, без изменений { $unchanged }.

import-summary_dry = Проверка без записи. { $title }: строк { $rows }; будет создано { $created }, обновлено { $updated }, без изменений { $unchanged }.

import-rejected = Файл не загружен: ошибок { $count }. Ничего не изменено.

import-progress-read = Файл прочитан: строк с данными — { $rows }. Проверяю строки…

import-progress-check = Проверено строк: { $done } из { $total }…

import-error-encoding = файл не в кодировке UTF-8 (или Windows-1251)

import-error-unreadable = не удалось прочитать файл как CSV или XLSX

import-error-old_xls = формат .xls не поддерживается — сохраните файл как .xlsx или .csv

import-error-too_big = файл больше { $limit_mb } МБ

import-error-too_many_rows = в файле больше { $limit } строк

import-error-too_many_columns = в строке { $row } больше { $limit } заполненных столбцов

import-error-line_too_long = строка { $row } длиннее { $limit } символов — это не таблица для загрузки

import-error-unpacked_too_big = файл XLSX в распакованном виде слишком велик (больше { $limit_mb } МБ или сжат подозрительно сильно) — это не таблица для загрузки

import-error-empty_file = файл пуст

import-error-no_rows = в файле нет строк с данными

import-error-missing_column = нет обязательного столбца

import-error-duplicate_column = столбец повторяется

import-error-required = не заполнено обязательное значение

import-error-too_long = слишком длинное значение (больше { $limit } символов)

import-error-control_char = недопустимый невидимый управляющий символ ({ $char }) — удалите его из ячейки

import-error-bad_date = «{ $value }» — не дата (нужно ДД.ММ.ГГГГ)

import-error-bad_time = «{ $value }» — не время (нужно ЧЧ:ММ)

import-error-time_order = начало урока должно быть раньше конца

import-error-bad_number = «{ $value }» — не число от { $low } до { $high }

import-error-bad_weekday = «{ $value }» — не день недели (1–7, Пн…Вс)

import-error-bad_role = неизвестная роль «{ $value }»

import-error-bad_class_name = «{ $value }» — не название класса (нужно номер 1–11 и буква, например 7А)

import-error-bad_email = «{ $value }» — не адрес электронной почты

import-error-duplicate_in_file = значение «{ $value }» уже было в строке { $other_row }

import-error-unknown_class = класса «{ $value }» нет в учебном году { $year }

import-error-unknown_year = учебного года «{ $value }» нет

import-error-unknown_staff = сотрудника с табельным номером «{ $value }» нет (сначала загрузите сотрудников)

import-error-not_staff = «{ $value }» — не сотрудник школы

import-error-unknown_subject = предмета «{ $value }» нет (сначала загрузите предметы)

import-error-unknown_student = обучающегося с ID «{ $value }» нет (сначала загрузите обучающихся)

import-error-student_conflict = ID «{ $value }» уже принадлежит человеку другой категории (обучающийся и не обучающийся)

import-error-name_taken = название «{ $value }» уже занято другим предметом

import-error-date_outside_year = дата { $value } вне учебного года { $year }

import-error-transfer_date = дата перевода { $value } должна быть позже зачисления в прежний класс ({ $since })

import-error-teacher_busy = учитель уже ведёт урок в это время (строка { $other_row })

import-error-no_year = в школе нет учебного года — сначала откройте год

import-error-database = база данных не приняла эту строку: такая запись уже есть или появилась только что (например, тот же файл загружается одновременно ещё раз) — проверьте данные и загрузите файл снова

import-file_gone = Файл больше недоступен в мессенджере — отправьте его ещё раз.
