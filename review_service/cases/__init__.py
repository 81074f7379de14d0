"""Cases: submissions for legal review, their rounds of opinions and the decision."""
