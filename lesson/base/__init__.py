"""Shared helpers below every stage: problems (:class:`errors.Finding`), hints, digits and the truth rule, the words drawn, the plan's plain data and timing."""
