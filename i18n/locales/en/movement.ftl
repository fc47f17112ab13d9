### Student movement: departure, transfer, arrival under an order
### (handlers/admin/movement.py, screens/admin/movement.py, services/people/enrolment.py).

movement-button = 🚚 Movement (departure, transfer)

movement-not_enrolled = Not enrolled in any class now.

movement-in_class = Class: { $cls }

movement-leave = 🚪 Departure from the school

movement-transfer = 🔁 Transfer to another class

movement-arrive = 📥 Arrival (enrolment)

movement-to_card = « To the card

movement-pick_class = Which class does { $name } move to?

movement-pick_arrival = Which class does { $name } join?

movement-ask-leave = Departure: { $name }. The student and the parents (unless they have other children at the school) lose their sign-in; marks and attendance stay in the journal.

movement-ask-transfer = Transfer: { $name } to { $cls }. The marks stay in the old class's journal up to the transfer date.

movement-ask-arrive = Arrival: { $name } in { $cls }.

movement-ask_details = Type, separated by semicolons, the date (the first day in the new place), the order number and, if needed, the reason: <code>20.11.2026; No 45; moved away</code>

movement-bad_details = I did not understand. A date and an order number separated by a semicolon, please, for example: <code>20.11.2026; No 45; moved away</code>

movement-left = ✅ Departure from { $date } under order { $order } recorded. The student's and the family's sign-in ended.

movement-transferred = ✅ Transfer to { $cls } from { $date } under order { $order } recorded.

movement-arrived = ✅ Arrival in { $cls } from { $date } under order { $order } recorded.

movement-not_a_parent = { $name } is not a parent in the school's journal: add them with the parents import first.
