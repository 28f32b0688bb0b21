"""Consultations: recurring meeting series across capitals, fairly scheduled, with agendas, minutes, decisions,
action items and iCalendar feeds."""
