"""The verification round (实地核查): on-site record sheets, reading them back, outcomes by the
campaign's rules, and the documents that close the round (notices, summary, removal list,
work report). Everything here is an officials' tool: it reads the sample that
``greenmine sample`` drew and the records the check teams filled in."""
