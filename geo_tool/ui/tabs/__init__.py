"""The tabs of the main window: Kaart (in main_window), Ranglijst, Weekplanning, Waterbed, Model."""
