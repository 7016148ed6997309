-- Drafts: an unpublished event is visible only to its organizers' keys and to admins.
ALTER TABLE events ADD COLUMN published boolean NOT NULL DEFAULT true;
