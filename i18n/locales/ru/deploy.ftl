# The command line of a deployment (docs/deploy.md).

cli-schema_behind = Схема базы данных PostgreSQL не соответствует версии программы (в базе: { $current }, нужна: { $head }). Сначала выполните «python -m bot migrate»: только эта команда меняет схему.
