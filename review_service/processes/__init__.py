"""Process definitions: versions of the BPMN per agency, and each case's running instance."""
