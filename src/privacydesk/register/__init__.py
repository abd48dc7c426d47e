"""The privacy register: model, loading with line numbers, legal rules and versions."""
