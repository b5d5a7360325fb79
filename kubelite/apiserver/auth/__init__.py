"""Authentication: who a request comes from. Client certificates, static tokens, bootstrap tokens and
service-account tokens (:mod:`.chain` tries them in kube-apiserver's order), impersonation on top, and the
TokenRequest and authentication review APIs. What the user may then do is :mod:`kubelite.apiserver.authorization`'s
business.
"""
