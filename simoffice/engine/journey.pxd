# Cython declarations for journey.py: its fields are declared by Contacts (contacts.pxd).
from simoffice.engine.contacts cimport Contacts
from simoffice.engine.clients cimport Client
from simoffice.engine.office cimport Desk, Ticket

cdef class Journey(Contacts):
    pass
