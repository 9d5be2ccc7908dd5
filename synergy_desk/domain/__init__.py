"""Pure domain rules with no storage and no Qt: money, phones, card numbers, errors, enums."""
