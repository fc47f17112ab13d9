## Годовые, экзаменационные и итоговые отметки; закрытие учебного периода; напоминания.

yearmarks-kind = { $mark_kind ->
    [exam] экзаменационная
    [final] итоговая
   *[year] годовая
}

yearmarks-notify_set = 🏁 <b>{ $student }</b>: { $mark_kind ->
    [exam] экзаменационная
    [final] итоговая
   *[year] годовая
} отметка, { $subject } ({ $year }) — <b>{ $value }</b>.

yearmarks-notify_brief = 🏁 <b>{ $student }</b>: { $mark_kind ->
    [exam] экзаменационная
    [final] итоговая
   *[year] годовая
} отметка ({ $subject }) — откройте дневник.

yearmarks-remind_period_title = 📝 Последняя неделя периода «{ $period }» (до { $date }): выставьте отметки за период.

yearmarks-remind_period_item = • { $class_name }, { $subject }: без отметки — { $missing }

yearmarks-remind_control_title = 📝 Результаты контрольных работ вносятся не позднее суток после работы. Ещё не внесены:

yearmarks-remind_control_item = • { $date }, { $class_name }, { $subject }: { $title }

yearmarks-bad_kind = Такой вид итоговой отметки выставить нельзя.

yearmarks-locked = Годовые, экзаменационные и итоговые отметки { $year } утверждены педагогическим советом и закрыты. Изменить их можно после разблокировки заместителем директора.

yearmarks-period_already_closed = Период «{ $period }» уже закрыт.

yearmarks-period_not_closed = Период «{ $period }» не закрыт.

yearmarks-year_closed = Учебный год { $year } закрыт: его периоды не открываются.

yearmarks-council_outside_year = Дата педагогического совета должна быть в пределах { $year } учебного года или в течение месяца после него.

yearmarks-period_marks_locked = Период «{ $period }» закрыт: отметки за него изменяются только после разблокировки заместителем директора.
