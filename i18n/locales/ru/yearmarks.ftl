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

yearmarks-tab = { $mark_kind ->
    [exam] Экзамен
    [final] Итоговая
   *[year] Годовая
}

yearmarks-sheet_title = <b>{ $cls } · { $subject } · { $year }</b>: { $mark_kind ->
    [exam] экзаменационные отметки
    [final] итоговые отметки
   *[year] годовые отметки
}

yearmarks-sheet_legend = В строке: отметки за периоды ({ $periods }), годовая (предложенная), экзамен, итоговая (предложенная). Годовая предлагается как среднее отметок за периоды по границам 2,5 / 3,5 / 4,5; итоговая — как годовая, а при экзамене — среднее годовой и экзаменационной с округлением вверх от 0,5.

yearmarks-council = Педагогический совет: { $date }.

yearmarks-row = { $n }. { $student }: { $periods } → год <b>{ $year }</b> ({ $suggested_year }), экз. <b>{ $exam }</b>, итог <b>{ $final }</b> ({ $suggested_final })

yearmarks-fill = ✅ Выставить предложенные ({ $count })

yearmarks-back = ↩ К ведомости

yearmarks-pick_value = <b>{ $student }</b>: { $mark_kind ->
    [exam] экзаменационная
    [final] итоговая
   *[year] годовая
} отметка (предложено: { $suggested }). Какую поставить?

yearmarks-saved = ✅ { $mark_kind ->
    [exam] Экзаменационные
    [final] Итоговые
   *[year] Годовые
} отметки сохранены: новых { $created }, изменено { $changed }, без изменений { $same }.

yearmarks-no_year = В школе нет учебного года.

periods-title = <b>Учебные периоды { $year }</b>

periods-row = { $closed ->
    [yes] 🔒
   *[no] 🟢
} { $name }: { $starts } — { $ends }; без отметки за период: { $missing }

periods-hint = Закрытый период: уроки и отметки за период изменяются только после разблокировки с указанием причины.

periods-close = 🔒 Закрыть: { $name }

periods-confirm = Закрыть период «{ $name }»? Без отметки за период: { $missing }. Учителя не смогут изменять его уроки и отметки без разблокировки.

periods-confirm_yes = Да, закрыть

periods-back = ↩ К периодам

periods-closed = 🔒 Период «{ $name }» закрыт. Без отметки за период осталось: { $missing }.

periods-none = В учебном году нет периодов.

periods-council_unset = Дата педсовета не назначена.

periods-council_button = 📅 Дата педсовета

periods-council_prompt = Пришлите дату педсовета, утверждающего итоги года: ДД.ММ или ДД.ММ.ГГГГ. После этого дня годовые, экзаменационные и итоговые отметки закрываются.

periods-council_bad = Это не дата. Напишите её как ДД.ММ или ДД.ММ.ГГГГ, например 28.05.

periods-council_set = 📅 Дата педсовета: { $date }.

periods-cancel = ✖ Отмена

periods-reopen = 🔓 Открыть: { $name }

periods-reopen_prompt = Почему открыть период «{ $name }» снова? Пришлите причину одним сообщением — она сохранится в журнале изменений.

periods-reopened = 🔓 Период «{ $name }» снова открыт.

periods-unlock_button = 🔓 Разблокировать итоговые отметки

periods-unlock_pick_class = Разблокировка годовых, экзаменационных и итоговых отметок. Выберите класс:

periods-unlock_pick_subject = Выберите предмет:

periods-unlock_pick_days = На сколько разблокировать?

periods-unlock_days = { $days ->
    [one] { $days } день
    [few] { $days } дня
    [many] { $days } дней
   *[other] { $days } дня
}

periods-unlock_prompt = Разблокировка отметок: { $cls }, { $subject }, на { $days ->
    [one] { $days } день
    [few] { $days } дня
    [many] { $days } дней
   *[other] { $days } дня
}. Пришлите причину одним сообщением — она сохранится в журнале изменений.

periods-unlocked = 🔓 Годовые, экзаменационные и итоговые отметки { $cls } по предмету «{ $subject }» разблокированы до { $until }.
