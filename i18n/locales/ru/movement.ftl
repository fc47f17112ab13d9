### Движение обучающихся: выбытие, перевод, прибытие по приказу
### (handlers/admin/movement.py, screens/admin/movement.py, services/people/enrolment.py).

movement-button = 🚚 Движение (выбытие, перевод)

movement-not_enrolled = Сейчас нет зачисления ни в один класс.

movement-in_class = Класс: { $cls }

movement-leave = 🚪 Выбытие из школы

movement-transfer = 🔁 Перевод в другой класс

movement-arrive = 📥 Прибытие (зачисление)

movement-to_card = « К карточке

movement-pick_class = В какой класс переводится { $name }?

movement-pick_arrival = В какой класс зачисляется { $name }?

movement-ask-leave = Выбытие: { $name }. После него ученик и родители (если у них нет других детей в школе) теряют вход; отметки и посещаемость остаются в журнале.

movement-ask-transfer = Перевод: { $name } в { $cls }. Отметки остаются в журнале прежнего класса до даты перевода.

movement-ask-arrive = Прибытие: { $name } в { $cls }.

movement-ask_details = Напишите через точку с запятой дату (первый день в новом положении), номер приказа и, если нужно, причину: <code>20.11.2026; № 45-у; переезд</code>

movement-bad_details = Не понял. Нужны дата и номер приказа через точку с запятой, например: <code>20.11.2026; № 45-у; переезд</code>

movement-left = ✅ Выбытие с { $date } по приказу { $order } записано. Вход ученика и семьи завершён.

movement-transferred = ✅ Перевод в { $cls } с { $date } по приказу { $order } записан.

movement-arrived = ✅ Прибытие в { $cls } с { $date } по приказу { $order } записано.

movement-not_a_parent = { $name } — не родитель в журнале школы: сначала добавьте его импортом родителей.
