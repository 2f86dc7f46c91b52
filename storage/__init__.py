"""The ground floor: the event store's recorder and pools, the read models' SQL store,
leadership locks and database errors. Nothing above this package imports a database driver."""
