# Cython declarations for contacts.py and journey.py (see office.pxd): compiled, the
# journey is an extension type, and every field it reads once per contact is a
# C struct member. Contacts declares them all: Journey only adds methods.
from simoffice.engine.clients cimport Client
from simoffice.engine.office cimport Desk, OfficeModel, Ticket

cdef class Contacts:
    cdef public object env, agenda, spec, rec, _pack_contact, _pack_bundle
    cdef public list _contact_rows, _bundle_rows
    cdef public object timetables, access, offices, expert, services, skill_of, return_prob, digital
    cdef public dict open_clients, calendars
    cdef public bint one_need, same_visit, walk_in_only
    cdef public Py_ssize_t max_visits, tickets_issued
    cdef public object appt, phone, can, walk, booked, joint, round_trip, reach, kind, physical, choice
    cdef public object centre, queue, one_ticket, retries, at_point, advises, planners, arrive_booked
    cdef public object walk_in_channel
